import SqueezeKit
