import SqueezeKit
print(CodecRegistry.standard.names)
