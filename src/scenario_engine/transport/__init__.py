"""HTTP and WebSocket endpoints: frames in, parsed events to the session, frames out."""
