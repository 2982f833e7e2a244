"""ecrkit's code generator: AWS service models in, one generated package per service out.

Each ``services/<name>.toml`` names a botocore model and where its code, facade and
reference go (ECR: ``src/ecrkit/_generated/``; ECR Public: ``src/ecrkit/_generated_public/``).
Run ``python -m tools.codegen`` (or ``nox -s codegen``) to regenerate every service, and
``python -m tools.codegen --check`` to fail when the committed files are stale.
Not shipped in the wheel.
"""
