print("backscatter-harness: nothing measured yet")
