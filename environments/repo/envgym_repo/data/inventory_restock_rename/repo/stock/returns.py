def accept_return(inventory, sku, quantity, damaged=False):
    """Put returned units back in stock, unless they came back damaged. Returns units restocked."""
    if damaged:
        return 0
    inventory.add_item(sku, quantity)
    return quantity
