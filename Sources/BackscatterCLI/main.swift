print("backscatter")
