"""Children looked after: the analysis package behind the report."""
