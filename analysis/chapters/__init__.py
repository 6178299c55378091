"""Measures: one module per chapter, each building the tables, findings and charts behind it."""
