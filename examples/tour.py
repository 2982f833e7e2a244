"""The tour ships inside the package (src/ecrkit/tour.py), so it also runs from an install:

    python -m ecrkit.tour                      # against moto's ECR, started on 127.0.0.1
    python -m ecrkit.tour --region eu-west-1   # against real AWS, your usual credentials

This file runs the same thing from a clone: ``python examples/tour.py [--region ...]``.
"""

from ecrkit.tour import main

if __name__ == "__main__":
    raise SystemExit(main())
