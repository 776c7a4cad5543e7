"""Not built yet."""


def live_tick(store, rng) -> dict:
    return {}
