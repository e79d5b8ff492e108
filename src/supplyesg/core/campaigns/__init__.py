"""One campaign engine: asking many suppliers for the same thing by a due date (see README.md).

A kind (CMRT/EMRT requests, questionnaires, and next AMRT requests and training invitations) keeps its own
campaign and request models, built on the abstract bases in `models`, and registers a `CampaignKind` with its
hooks. The engine does what every kind shares: scope, creating requests idempotently, sending, reminders,
progress figures, closing and the supplier portal's to-do entries. Core imports nothing above it: kinds pass
their supplier querysets, mails and sentences in through the hooks.
"""
