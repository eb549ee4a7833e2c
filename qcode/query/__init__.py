"""Retrieval: boolean and proximity queries over codes, and attribute filters on documents.

``language`` parses a query into a small tree (pure; lark, imported when a query is parsed),
``where`` reads and tests ``--where`` conditions (pure), and ``service`` turns both into one SQL
selection of segment ids that every command restricting its output by a query shares.
"""
