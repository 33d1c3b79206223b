def seed_orders(stdout=None) -> None:
    pass
