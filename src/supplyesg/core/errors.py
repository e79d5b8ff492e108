"""Errors a service raises when a rule forbids an operation; views and the API show them as they are."""

from django.core.exceptions import ValidationError


class RuleViolation(ValidationError):
    """A guard refused the operation. `messages` lists every reason, each a sentence a person can act on."""

    def __init__(self, messages, code: str = "rule"):
        if isinstance(messages, str):
            messages = [messages]
        super().__init__(list(messages), code=code)
        # ValidationError drops `code` when given a list; callers tell duplicates from bans by it.
        self.code = code
