"""Running the same work twice at the same moment, as two requests or two workers would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def at_once(*calls: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Start every call on its own thread and database connection, released together.

    Returns what the calls returned and what they raised (where a request would have
    answered 500). Needs ``django_db(transaction=True)``: each thread commits for real.
    """
    results: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results.append(call())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
