"""The rules of the service: plain functions taking a Session. No FastAPI here.

Services ``flush()`` and never ``commit()``: the request owns the transaction.
"""
