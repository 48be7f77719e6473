"""`flask worker` as production runs it, with each job's CPU time added up in Redis by the
job's function: the routing benchmark reads how much of the worker's CPU routing itself
takes. Run: python -m tests.bench._timed_worker (with the app's environment). Nothing of
this ships: the app's own job class is wrapped here, in the benchmark's process only."""

import time

from flask.cli import cli

import app.jobs

# Where the figures go: a hash of CPU seconds and one of job counts, by function name.
CPU_KEY = "bench:job_cpu_s"
COUNT_KEY = "bench:job_count"

_job_class_for = app.jobs.job_class_for


def _timed_job_class_for(flask_app):
    base = _job_class_for(flask_app)

    class TimedJob(base):  # type: ignore[misc, valid-type]
        def perform(self):
            started = time.process_time()
            try:
                return super().perform()
            finally:
                spent = time.process_time() - started
                pipe = self.connection.pipeline(transaction=False)
                pipe.hincrbyfloat(CPU_KEY, self.func_name, spent)
                pipe.hincrby(COUNT_KEY, self.func_name, 1)
                pipe.execute()

    return TimedJob


app.jobs.job_class_for = _timed_job_class_for

if __name__ == "__main__":
    cli.main(args=["worker"], prog_name="flask")
