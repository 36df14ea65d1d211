"""Outcome measures: questionnaire definitions, their scoring and their schedule, as pure
functions (nothing here touches the database or the clock).

- ``definition``: the definition format, checked (``parse_definition``, ``with_wording``);
- ``scoring``: scores of one response (``score``) and the change between two (``change``);
- ``schedule``: which occasion of a measure is due on a day (``due_occasion``).
"""
