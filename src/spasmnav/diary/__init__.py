"""The symptom diary: records, storage, statistics, plots, the report and the calendar."""
