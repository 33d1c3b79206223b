def seed_inventory(stdout=None) -> None:
    pass
