"""The annotated datasets on disk (PTC layout): finding their splits and describing them
(`proplens dataset stats`). The news-corpus workflow (ingest, run, report) is `proplens.corpus`."""
