"""The container of report `scratch_mlp` (section 2.3)."""

from kerasdl.scratch.module import Module


class Sequential(Module):
    """Modules applied in order; backward runs them in reverse (report `scratch_mlp`).

    Args:
        *modules: the `Module`s, first to last.
    """

    def __init__(self, *modules):
        if not all(isinstance(module, Module) for module in modules):
            raise TypeError(f"`modules` must all be kerasdl.scratch Modules, got {modules!r}")
        self.modules = list(modules)

    def forward(self, x):
        for module in self.modules:
            x = module.forward(x)
        return x

    def backward(self, grad_output):
        for module in reversed(self.modules):
            grad_output = module.backward(grad_output)
        return grad_output

    def params(self):
        return [pair for module in self.modules for pair in module.params()]
