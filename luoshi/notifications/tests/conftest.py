from luoshi.items.tests.conftest import fagaiju_item, wenlvju  # noqa: F401  (fixtures shared with items)
