"""One session per connection: the pipeline from engine events to builder calls and replies."""
