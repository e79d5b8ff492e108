"""CMRT/EMRT campaigns: a sub-domain of minerals (models, services, forms, views, urls).

The shared campaign mechanics (scope, sending, reminders, progress, portal to-dos) live in `core.campaigns`."""
