"""Pages for asking: the ask form, its live "this may already be answered" panel, and the
team's knowledge base with its "solved my problem" button."""

import secrets

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.errors import InvalidInput
from app.forms import show_errors
from app.help import bp, search
from app.help.ask import LINK_MAX, TITLE_MAX, ask_question, suggested_skills
from app.help.duplicates import AskedBefore, sent_keys
from app.help.forms import AskForm, KnowledgeSearchForm
from app.help.markdown import render_markdown
from app.people.skills import all_skills
from app.request_checks import database_id

SIMILAR_LIMIT = 5


def _similar(text: str) -> list[search.KnowledgeEntry]:
    """Answered questions like this text, from the person's team (none for an empty text)."""
    if not search.search_terms(text):
        return []
    return search.search_knowledge(current_user.team_id, text, limit=SIMILAR_LIMIT)


def _ask_page(
    form: AskForm,
    status: int = 200,
    looked: bool = False,
    problems: dict | None = None,
    asked_before: AskedBefore | None = None,
):
    text = f"{form.goal.data or ''}\n{form.stuck.data or ''}"
    return render_template(
        "help/ask.html",
        form=form,
        problems=problems or {},
        looked=looked,
        asked_before=asked_before,
        sent_keys=sent_keys(current_user.id),
        similar=_similar(text) if looked or status != 200 else [],
        suggested=suggested_skills(text, current_user.team_id) if looked else [],
    ), status


@bp.route("/help/ask", methods=["GET", "POST"])
@login_required
def ask():
    """Show the ask form (link and title may come from the page the person was on); save it."""
    form = AskForm()
    if request.method == "GET":
        form.link.data = request.args.get("link", "")[:LINK_MAX]
        form.page_title.data = request.args.get("title", "")[:TITLE_MAX]
        form.request_key.data = secrets.token_urlsafe(24)
        return _ask_page(form)
    if not form.validate_on_submit():
        return _ask_page(form, status=400)
    if form.check.data:  # without JavaScript: suggest skills and show similar answers, save nothing
        if not form.skills.data:
            text = f"{form.goal.data}\n{form.stuck.data}"
            form.skills.data = ", ".join(s.name for s in suggested_skills(text, current_user.team_id))
        return _ask_page(form, looked=True)
    try:
        question = ask_question(current_user.id, form.ask_input())
    except AskedBefore as exc:  # nothing saved; the form keeps every word
        return _ask_page(form, status=409, asked_before=exc)
    except InvalidInput as exc:
        return _ask_page(form, status=400, problems=show_errors(form, exc))
    flash("Your question is saved. We are finding the right person to help.", "success")
    return redirect(url_for("help.thread", question_id=question.id))


@bp.route("/help/similar", methods=["POST"])
@login_required
def similar():
    """JSON for the ask form's live panel: suggested skills and similar answered questions.

    The draft comes in the body of a POST (with the form's CSRF token), never in the
    address: a pasted error can hold a secret, and addresses land in access and proxy logs.
    """
    text = request.form.get("text", "")[: current_app.config["QUESTION_MAX_CHARS"] + 300]
    return jsonify(
        {
            "skills": [{"id": s.id, "name": s.name} for s in suggested_skills(text, current_user.team_id)],
            "similar": [
                {
                    "id": entry.id,
                    "goal": entry.goal,
                    "excerpt": entry.excerpt,
                    "skills": [skill.name for skill in entry.skills],
                    "solved_count": entry.solved_count,
                    "url": url_for("help.knowledge_entry", question_id=entry.id),
                    "solved_url": url_for("help.solved", question_id=entry.id),
                    "answer_html": str(render_markdown(answer.body)) if (answer := _answer_of(entry)) else "",
                }
                for entry in _similar(text)
            ],
        }
    )


def _answer_of(entry: search.KnowledgeEntry) -> search.KnowledgePost | None:
    """The entry's first answer: the first post by someone other than the asker."""
    return next((post for post in entry.posts if not post.by_asker), None)


@bp.route("/help/knowledge")
@login_required
def knowledge():
    """Search the team's knowledge base by words and by skill."""
    form = KnowledgeSearchForm(request.args)
    form.skill.choices = [SelectChoice("", "Any skill")] + [SelectChoice(str(s.id), s.name) for s in all_skills()]
    try:
        skill_ids = (database_id(form.skill.data),)
    except (TypeError, ValueError):  # any skill, or one no id names
        skill_ids = ()
    entries = search.search_knowledge(current_user.team_id, form.q.data or "", skill_ids, limit=20)
    searched = bool(search.search_terms(form.q.data or "") or skill_ids)
    return render_template("help/knowledge.html", form=form, entries=entries, searched=searched)


@bp.route("/help/knowledge/<int:question_id>")
@login_required
def knowledge_entry(question_id: int):
    """Show one answered question of the team, with its thread."""
    entry = search.knowledge_entry(question_id, current_user.id)  # NotInKnowledgeBase: 404
    return render_template(
        "help/knowledge_entry.html", entry=entry, solved_by_me=search.solved_by(entry.id, current_user.id)
    )


@bp.route("/help/knowledge/<int:question_id>/solved", methods=["POST"])
@login_required
def solved(question_id: int):
    """Count that this answer solved the person's problem, with no mentor asked."""
    search.record_self_solve(question_id, current_user.id)  # NotInKnowledgeBase: 404
    flash("Glad it helped. It is counted, and no mentor was asked.", "success")
    return redirect(url_for("help.knowledge_entry", question_id=question_id))
