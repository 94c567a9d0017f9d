"""Every table that keeps models exports one row whose `model.keras` loads with a plain
`keras.models.load_model` after `import kerasdl`, in a fresh process, and predicts what its
SavedModel serves (every custom layer a report uses lives in kerasdl and is registered)."""

import json
import os
import subprocess
import sys

from kerasdl.commands import main as reproduce_main
from kerasdl.runner.registry import load_report, report_ids

CHECK = """
import json, sys
import numpy as np, keras, tensorflow as tf
import kerasdl
results = {}
for dest in sys.argv[1:]:
    model = keras.models.load_model(f"{dest}/model.keras")
    served = tf.saved_model.load(f"{dest}/saved_model")
    labels = json.load(open(f"{dest}/labels.json"))
    x = np.random.default_rng(0).random((4, *labels["input_shape"])).astype("float32")
    a, b = np.asarray(model(x)), served.serve(tf.constant(x)).numpy()
    results[dest] = float(np.max(np.abs(a - b)))
print(json.dumps(results))
"""


def test_one_row_of_every_table_exports_and_loads_in_a_fresh_process(smoke_run, tmp_path, capsys):
    data, out, _ = smoke_run
    exported, no_model = [], []
    for report_id in report_ids():
        for table in load_report(report_id).tables:
            dest = tmp_path / report_id / table.name
            code = reproduce_main(["export", report_id, table.name, table.rows[0].name, "--profile", "smoke",
                                   "--data-dir", str(data), "--out", str(out), "--dest", str(dest), "--quiet"])
            err = capsys.readouterr().err
            if code == 2 and "trains no Keras model" in err:
                no_model.append(f"{report_id}/{table.name}")
                continue
            assert code == 0, err
            exported.append(str(dest))
    assert len(exported) >= 10, (exported, no_model)
    done = subprocess.run([sys.executable, "-c", CHECK, *exported], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-3000:]
    differences = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(differences) == set(exported)
    assert all(d < 1e-5 for d in differences.values()), differences
