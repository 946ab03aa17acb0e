//! C ABI of the remote-rendering core (being written).
