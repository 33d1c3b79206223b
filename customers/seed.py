def seed_customers(stdout=None) -> None:
    pass
