"""Models: tokenisation into windows, decoding to character spans, and (later) the detector itself."""
