//! Black-box tests of Kefu live in `store/` and `api/`; this library is empty.
