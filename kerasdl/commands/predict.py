"""`kerasdl predict MODEL INPUT ... [--top K]`: classify PNG images or a .npy batch with an
exported model (`kerasdl.predict`)."""

from __future__ import annotations

from kerasdl.commands.arguments import Context, positive_int
from kerasdl.predict import predict


def add(commands, context: Context) -> None:
    c = commands.add_parser("predict", help="classify PNG images or a .npy batch with an exported model")
    c.add_argument("model", help="an export folder, a SavedModel folder or a .keras file")
    c.add_argument("inputs", nargs="+", help="image files, or one .npy batch")
    c.add_argument("--top", type=positive_int, default=3, help="classes shown per input (default 3)")
    c.set_defaults(func=predict_command, where="predict")


def predict_command(args, context: Context) -> int:
    value_name, results = predict(args.model, args.inputs, top=args.top)
    for name, ranked in results:
        if value_name == "probability":
            print(f"{name}: " + ", ".join(f"{label} {p:.3f}" for label, p in ranked))
        elif value_name == "margin":  # the class the margin picks, then the margin
            print(f"{name}: " + ", ".join(f"{label} (margin {v:+.3f})" for label, v in ranked))
        else:  # one output unit and no labels.json to say what it means
            print(f"{name}: score {ranked[0][1]:+.3f}")
    return 0
