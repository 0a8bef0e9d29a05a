"""The catalogue: funders, their loan products, and the channels that bring customers."""
