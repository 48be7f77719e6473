"""Things that happen to people, which features can act on without the kernel knowing them."""

from blinker import Namespace

_signals = Namespace()

# Sent inside the transaction that makes a person a new hire (created, imported, or given the
# role), with `user` as the argument. Receivers enqueue their jobs after the commit.
new_hire_joined = _signals.signal("new-hire-joined")
