"""ecrkit's code generator: the AWS service model in, ``src/ecrkit/_generated/`` out.

Run ``python -m tools.codegen`` (or ``nox -s codegen``) to regenerate, and
``python -m tools.codegen --check`` to fail when the committed files are stale.
Not shipped in the wheel.
"""
