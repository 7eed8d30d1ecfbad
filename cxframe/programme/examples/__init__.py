"""Worked example programmes written by ``cxframe init --example NAME``."""
