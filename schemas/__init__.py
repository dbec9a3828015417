"""The published JSON Schemas, one per public topic (package data: ``newsflow.schemas`` loads them)."""
