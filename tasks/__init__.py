"""Pipeline steps: plain functions for each concern, wrapped as coarse Prefect tasks in pipeline.py."""
