//! JSON between Python and the core, through Python's own `json` module: private claims are
//! written compactly, in their insertion order, with non-ASCII kept as UTF-8 (the core's
//! canonical form, which the shared vectors pin down); headers and claims are read back into
//! dicts with Python's arbitrary-precision integers.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};

static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn json_fn<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let f = cell.get_or_try_init(py, || py.import("json")?.getattr(name).map(Bound::unbind))?;
    Ok(f.bind(py).clone())
}

/// `json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)`.
pub(crate) fn dumps(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = obj.py();
    let kwargs = PyDict::new(py);
    kwargs.set_item("ensure_ascii", false)?;
    kwargs.set_item("separators", (",", ":"))?;
    kwargs.set_item("allow_nan", false)?;
    json_fn(py, &DUMPS, "dumps")?
        .call((obj,), Some(&kwargs))
        .map_err(|e| crate::errors::argument(format!("not JSON: {}", e.value(py))))?
        .extract()
}

/// `json.loads(text)`.
pub(crate) fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    json_fn(py, &LOADS, "loads")?.call1((text,))
}

/// A JSON document given as a `str` (used as is) or as a `dict` (written with [`dumps`]).
pub(crate) fn text_or_dump(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    dumps(obj)
}
