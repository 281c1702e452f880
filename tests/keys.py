"""Keys for tests and benchmarks that start the system with production settings (DEBUG off),
which refuse to start without the field-encryption keys (taskforce/crypto.py)."""

# Fixed, so that a benchmark database loaded by one run is read by the next.
PRODUCTION_KEYS = {
    "FIELD_ENCRYPTION_KEYS": "o0Dk4yQ0b4m3WkVJ0dq3nKpZ1v8o6r2sVh7Yx9cT5aE=",
    "FIELD_INDEX_KEY": "a-field-index-key-for-tests-and-benchmarks-only",
}
