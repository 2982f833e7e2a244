"""Known values of the ECR enum shapes, one ``StrEnum`` per enum shape.

Fields typed with an enum accept these members, the plain strings, and any value
the service adds later (kept as a ``str``). The matching ``Literal`` aliases
(``TagStatusValue`` ...) are in :mod:`ecrkit.models`.
"""

from ._generated.enums import *  # noqa: F403
