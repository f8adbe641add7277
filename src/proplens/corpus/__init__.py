"""The news-corpus workflow over the store: `ingest` articles, `run` the detector over them (resumable),
`report` who uses which techniques (streamed statistics). Annotated datasets are `proplens.dataset`."""
