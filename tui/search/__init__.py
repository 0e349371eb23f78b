"""Matching: folding rules, Chinese readings, the fuzzy filter, the query language, sort orders."""
