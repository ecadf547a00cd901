//! Tensors from a TorchScript archive (`torch.jit.save`), the format of OpenAI's released CLIP
//! checkpoints (`ViT-B-32.pt`, …). burn-store reads `torch.save` state dicts but not these: their
//! `data.pkl` pickles the module objects themselves. This is the small pickle machine needed to
//! rebuild that object graph, turn `torch._utils._rebuild_tensor_v2` calls into tensors over the
//! archive's storages, and name each tensor by its attribute path (`visual.conv1.weight`, …).
//! Anything else in the pickle is kept as opaque objects and ignored.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

type Tensors = HashMap<String, (Vec<usize>, Vec<f32>)>;

/// A pickled value. Scalars are kept whole although only tensors and names are used.
#[allow(dead_code)]
#[derive(Clone, Debug)]
enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    Global(String),
    Object { class: String, state: Box<Value> },
    Storage { key: String, dtype: String },
    Tensor { key: String, dtype: String, offset: usize, shape: Vec<usize>, stride: Vec<usize> },
}

struct Machine<'a> {
    data: &'a [u8],
    pos: usize,
    stack: Vec<Value>,
    marks: Vec<usize>,
    memo: HashMap<u32, Value>,
    /// Value nodes the machine may still copy or look through ([`MAX_WORK`]).
    work: usize,
}

type R<T> = std::result::Result<T, String>;

/// Values nested deeper than this are refused: cloning and dropping a value recurse once per
/// level (`]` N times then `a` N times nests N deep in 2N bytes, and 100 KB of that overflowed
/// the analysis thread's stack). A CLIP module tree nests a few dozen levels.
const MAX_DEPTH: usize = 1000;
/// Value nodes copied (the memo copies what it keeps and gives) and looked through, in all: a
/// pickle that memoises a list of itself twice and repeats that doubles it each time (a few
/// hundred bytes exhausted memory). ViT-B/32's pickle needs well under a million.
const MAX_WORK: usize = 50_000_000;
/// The most bytes read from one archive entry, per byte of the file: TorchScript stores its
/// storages uncompressed, so a deflate bomb ends here instead of in memory.
const MAX_INFLATION: u64 = 64;

impl<'a> Machine<'a> {
    fn new(data: &'a [u8]) -> Self {
        Machine { data, pos: 0, stack: Vec::new(), marks: Vec::new(), memo: HashMap::new(), work: MAX_WORK }
    }

    /// The depth of `v` (1 for a scalar), each node it holds paid from the work budget; an
    /// error past [`MAX_DEPTH`] or the budget. Without recursion: `v` may be what is refused.
    fn charge(&mut self, v: &Value) -> R<usize> {
        let mut todo = vec![(v, 1usize)];
        let mut depth = 0;
        while let Some((v, d)) = todo.pop() {
            self.work = self.work.checked_sub(1).ok_or("pickle too large: it copies its values past any checkpoint's size")?;
            if d > MAX_DEPTH {
                return Err(format!("pickle nested deeper than {MAX_DEPTH} levels"));
            }
            depth = depth.max(d);
            match v {
                Value::Tuple(items) | Value::List(items) => todo.extend(items.iter().map(|c| (c, d + 1))),
                Value::Dict(pairs) => todo.extend(pairs.iter().flat_map(|(k, x)| [(k, d + 1), (x, d + 1)])),
                Value::Object { state, .. } => todo.push((state, d + 1)),
                _ => {}
            }
        }
        Ok(depth)
    }

    /// Push a value built of others, once its depth is known to be within bounds.
    fn push_checked(&mut self, v: Value) -> R<()> {
        self.charge(&v)?;
        self.stack.push(v);
        Ok(())
    }

    /// `v`, about to go into a container on the stack: it must leave room for that level.
    fn check_child(&mut self, v: &Value) -> R<()> {
        if self.charge(v)? >= MAX_DEPTH {
            return Err(format!("pickle nested deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    /// A copy of the stack's top for the memo, paid for.
    fn memo_top(&mut self) -> R<Value> {
        let v = self.stack.last().ok_or_else(|| "pickle stack underflow".to_string())?.clone();
        self.charge(&v)?;
        Ok(v)
    }

    /// A copy of memo entry `k` for the stack, paid for.
    fn memo_get(&mut self, k: u32) -> R<Value> {
        let v = self.memo.get(&k).cloned().ok_or("pickle memo miss")?;
        self.charge(&v)?;
        Ok(v)
    }

    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len()).ok_or("pickle ends early")?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> R<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> R<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }
    fn line(&mut self) -> R<String> {
        let rest = &self.data[self.pos..];
        let n = rest.iter().position(|&b| b == b'\n').ok_or("unterminated line in pickle")?;
        let s = String::from_utf8_lossy(&rest[..n]).into_owned();
        self.pos += n + 1;
        Ok(s)
    }
    fn pop(&mut self) -> R<Value> {
        self.stack.pop().ok_or_else(|| "pickle stack underflow".to_string())
    }
    fn pop_mark(&mut self) -> R<Vec<Value>> {
        let m = self.marks.pop().ok_or("pickle MARK missing")?;
        if m > self.stack.len() {
            return Err("pickle MARK beyond stack".into());
        }
        Ok(self.stack.split_off(m))
    }
    fn top(&mut self) -> R<&mut Value> {
        self.stack.last_mut().ok_or_else(|| "pickle stack underflow".to_string())
    }

    fn run(mut self) -> R<Value> {
        loop {
            let op = self.u8()?;
            match op {
                0x80 => {
                    self.u8()?; // PROTO
                }
                0x95 => {
                    self.take(8)?; // FRAME
                }
                b'c' => {
                    let module = self.line()?;
                    let name = self.line()?;
                    self.stack.push(Value::Global(format!("{module}.{name}")));
                }
                0x93 => {
                    let name = self.pop()?;
                    let module = self.pop()?;
                    match (module, name) {
                        (Value::Str(m), Value::Str(n)) => self.stack.push(Value::Global(format!("{m}.{n}"))),
                        _ => return Err("STACK_GLOBAL needs two strings".into()),
                    }
                }
                b'}' => self.stack.push(Value::Dict(Vec::new())),
                b']' => self.stack.push(Value::List(Vec::new())),
                b')' => self.stack.push(Value::Tuple(Vec::new())),
                b'(' => self.marks.push(self.stack.len()),
                b'X' => {
                    let n = self.u32()? as usize;
                    let s = String::from_utf8_lossy(self.take(n)?).into_owned();
                    self.stack.push(Value::Str(s));
                }
                0x8c => {
                    let n = self.u8()? as usize;
                    let s = String::from_utf8_lossy(self.take(n)?).into_owned();
                    self.stack.push(Value::Str(s));
                }
                b'B' => {
                    let n = self.u32()? as usize;
                    let b = self.take(n)?.to_vec();
                    self.stack.push(Value::Bytes(b));
                }
                b'C' => {
                    let n = self.u8()? as usize;
                    let b = self.take(n)?.to_vec();
                    self.stack.push(Value::Bytes(b));
                }
                b'J' => {
                    let v = i32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes"));
                    self.stack.push(Value::Int(v as i64));
                }
                b'K' => {
                    let v = self.u8()?;
                    self.stack.push(Value::Int(v as i64));
                }
                b'M' => {
                    let v = u16::from_le_bytes(self.take(2)?.try_into().expect("2 bytes"));
                    self.stack.push(Value::Int(v as i64));
                }
                0x8a => {
                    let n = self.u8()? as usize;
                    let bytes = self.take(n)?;
                    if n > 8 {
                        return Err("integer too large in pickle".into());
                    }
                    let mut buf = if bytes.last().is_some_and(|b| b & 0x80 != 0) { [0xffu8; 8] } else { [0u8; 8] };
                    buf[..n].copy_from_slice(bytes);
                    self.stack.push(Value::Int(i64::from_le_bytes(buf)));
                }
                b'G' => {
                    let v = f64::from_be_bytes(self.take(8)?.try_into().expect("8 bytes"));
                    self.stack.push(Value::Float(v));
                }
                b'N' => self.stack.push(Value::None),
                0x88 => self.stack.push(Value::Bool(true)),
                0x89 => self.stack.push(Value::Bool(false)),
                0x85 | 0x86 | 0x87 => {
                    let n = (op - 0x84) as usize;
                    if self.stack.len() < n {
                        return Err("pickle stack underflow".into());
                    }
                    let items = self.stack.split_off(self.stack.len() - n);
                    self.push_checked(Value::Tuple(items))?;
                }
                b't' => {
                    let items = self.pop_mark()?;
                    self.push_checked(Value::Tuple(items))?;
                }
                b'l' => {
                    let items = self.pop_mark()?;
                    self.push_checked(Value::List(items))?;
                }
                b'd' => {
                    let items = self.pop_mark()?;
                    let mut pairs = Vec::with_capacity(items.len() / 2);
                    let mut items = items.into_iter();
                    while let (Some(k), Some(v)) = (items.next(), items.next()) {
                        pairs.push((k, v));
                    }
                    self.push_checked(Value::Dict(pairs))?;
                }
                b'q' => {
                    let k = self.u8()? as u32;
                    let v = self.memo_top()?;
                    self.memo.insert(k, v);
                }
                b'r' => {
                    let k = self.u32()?;
                    let v = self.memo_top()?;
                    self.memo.insert(k, v);
                }
                0x94 => {
                    let k = self.memo.len() as u32;
                    let v = self.memo_top()?;
                    self.memo.insert(k, v);
                }
                b'h' => {
                    let k = self.u8()? as u32;
                    let v = self.memo_get(k)?;
                    self.stack.push(v);
                }
                b'j' => {
                    let k = self.u32()?;
                    let v = self.memo_get(k)?;
                    self.stack.push(v);
                }
                b'Q' => {
                    // Persistent id: ('storage', <dtype global>, key, location, numel)
                    let pid = self.pop()?;
                    let Value::Tuple(items) = pid else { return Err("unexpected persistent id".into()) };
                    match (items.get(1), items.get(2)) {
                        (Some(Value::Global(dtype)), Some(Value::Str(key))) => {
                            self.stack.push(Value::Storage { key: key.clone(), dtype: dtype.clone() })
                        }
                        _ => return Err("unexpected storage reference".into()),
                    }
                }
                b'R' => {
                    let args = self.pop()?;
                    let callable = self.pop()?;
                    let value = reduce(callable, args)?;
                    self.push_checked(value)?;
                }
                0x81 => {
                    let _args = self.pop()?;
                    let class = self.pop()?;
                    let class = match class {
                        Value::Global(c) => c,
                        _ => "object".into(),
                    };
                    self.stack.push(Value::Object { class, state: Box::new(Value::None) });
                }
                b'b' => {
                    let state = self.pop()?;
                    self.check_child(&state)?;
                    match self.top()? {
                        Value::Object { state: s, .. } => **s = state,
                        Value::Dict(d) => {
                            if let Value::Dict(more) = state {
                                d.extend(more);
                            }
                        }
                        _ => {}
                    }
                }
                b's' => {
                    let v = self.pop()?;
                    let k = self.pop()?;
                    self.check_child(&v)?;
                    self.check_child(&k)?;
                    if let Value::Dict(d) = self.top()? {
                        d.push((k, v));
                    }
                }
                b'u' => {
                    let items = self.pop_mark()?;
                    for item in &items {
                        self.check_child(item)?;
                    }
                    let mut pairs = Vec::with_capacity(items.len() / 2);
                    let mut items = items.into_iter();
                    while let (Some(k), Some(v)) = (items.next(), items.next()) {
                        pairs.push((k, v));
                    }
                    if let Value::Dict(d) = self.top()? {
                        d.extend(pairs);
                    }
                }
                b'a' => {
                    let v = self.pop()?;
                    self.check_child(&v)?;
                    if let Value::List(l) = self.top()? {
                        l.push(v);
                    }
                }
                b'e' => {
                    let items = self.pop_mark()?;
                    for item in &items {
                        self.check_child(item)?;
                    }
                    if let Value::List(l) = self.top()? {
                        l.extend(items);
                    }
                }
                b'.' => return self.pop(),
                other => return Err(format!("unsupported pickle opcode 0x{other:02x} at byte {}", self.pos - 1)),
            }
        }
    }
}

fn ints(v: &Value) -> R<Vec<usize>> {
    match v {
        Value::Tuple(items) | Value::List(items) => items
            .iter()
            .map(|i| match i {
                Value::Int(n) if *n >= 0 => Ok(*n as usize),
                _ => Err("tensor size or stride is not a non-negative integer".to_string()),
            })
            .collect(),
        _ => Err("tensor size or stride is not a tuple".into()),
    }
}

fn reduce(callable: Value, args: Value) -> R<Value> {
    let Value::Global(name) = callable else {
        return Ok(Value::Object { class: "object".into(), state: Box::new(Value::None) });
    };
    let Value::Tuple(a) = args else { return Err(format!("{name}: arguments are not a tuple")) };
    match name.as_str() {
        "torch._utils._rebuild_tensor_v2" | "torch._utils._rebuild_tensor" => {
            let (Some(Value::Storage { key, dtype }), Some(Value::Int(offset)), Some(size), Some(stride)) =
                (a.first(), a.get(1), a.get(2), a.get(3))
            else {
                return Err("malformed _rebuild_tensor_v2 call".into());
            };
            let offset = usize::try_from(*offset).map_err(|_| format!("tensor at a negative offset ({offset})"))?;
            Ok(Value::Tensor { key: key.clone(), dtype: dtype.clone(), offset, shape: ints(size)?, stride: ints(stride)? })
        }
        "torch._utils._rebuild_parameter" => a.into_iter().next().ok_or_else(|| "empty _rebuild_parameter".to_string()),
        "collections.OrderedDict" => Ok(Value::Dict(Vec::new())),
        _ => Ok(Value::Object { class: name, state: Box::new(Value::Tuple(a)) }),
    }
}

/// Collect every tensor reachable from `value`, named by attribute path.
fn walk(value: &Value, prefix: &str, out: &mut Vec<(String, Value)>, depth: usize) {
    if depth > 64 {
        return;
    }
    let join = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
    match value {
        Value::Tensor { .. } => out.push((prefix.to_string(), value.clone())),
        Value::Object { state, .. } => walk(state, prefix, out, depth + 1),
        Value::Dict(items) => {
            for (k, v) in items {
                let key = match k {
                    Value::Str(s) => s.clone(),
                    Value::Int(i) => i.to_string(),
                    _ => continue,
                };
                walk(v, &join(&key), out, depth + 1);
            }
        }
        _ => {}
    }
}

fn element(dtype: &str) -> R<(usize, burn::tensor::DType)> {
    use burn::tensor::DType;
    Ok(match dtype.rsplit('.').next().unwrap_or("") {
        "FloatStorage" => (4, DType::F32),
        "HalfStorage" => (2, DType::F16),
        "BFloat16Storage" => (2, DType::BF16),
        "DoubleStorage" => (8, DType::F64),
        other => return Err(format!("unsupported storage type {other}")),
    })
}

pub fn is_torchscript(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else { return false };
    let Ok(zip) = zip::ZipArchive::new(file) else { return false };
    let found = zip.file_names().filter_map(|n| n.ok()).any(|n| n.ends_with("constants.pkl") || n.contains("/code/"));
    found
}

/// How many tensors a `data.pkl` names: the unpickler alone, without the archive (the fuzzer
/// drives it through this; a crafted pickle must give an error, never a panic or a huge allocation).
pub fn tensors_in_pickle(pkl: &[u8]) -> R<usize> {
    let value = Machine::new(pkl).run()?;
    let mut found = Vec::new();
    walk(&value, "", &mut found, 0);
    Ok(found.len())
}

/// All float tensors of a TorchScript archive, as f32, by attribute path.
pub fn read(path: &Path) -> R<Tensors> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let file_len = file.metadata().map(|m| m.len() as usize).unwrap_or(0);
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("not a zip archive: {e}"))?;
    let pkl_name = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .find(|n| n.ends_with("/data.pkl") || n == "data.pkl")
        .ok_or("no data.pkl in the archive")?;
    let root = pkl_name.trim_end_matches("data.pkl").to_string();
    let mut pkl = Vec::new();
    let limit = (file_len as u64).saturating_mul(MAX_INFLATION);
    zip.by_name(&pkl_name).map_err(|e| e.to_string())?.take(limit.saturating_add(1)).read_to_end(&mut pkl).map_err(|e| e.to_string())?;
    if pkl.len() as u64 > limit {
        return Err(format!("data.pkl inflates past {MAX_INFLATION} times the file's size"));
    }
    let value = Machine::new(&pkl).run()?;
    let mut found = Vec::new();
    walk(&value, "", &mut found, 0);
    let mut storages: HashMap<String, Vec<u8>> = HashMap::new();
    let mut out = HashMap::new();
    for (name, tensor) in found {
        let Value::Tensor { key, dtype, offset, shape, stride } = tensor else { continue };
        let Ok((size, burn_dtype)) = element(&dtype) else { continue };
        if !storages.contains_key(&key) {
            let mut bytes = Vec::new();
            zip.by_name(&format!("{root}data/{key}"))
                .map_err(|e| format!("storage {key} of '{name}': {e}"))?
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|e| e.to_string())?;
            if bytes.len() as u64 > limit {
                return Err(format!("storage {key} of '{name}' inflates past {MAX_INFLATION} times the file's size"));
            }
            storages.insert(key.clone(), bytes);
        }
        let storage = &storages[&key];
        // Shapes are declared by the file: a crafted one must not make us allocate more than the
        // storage it reads from could fill.
        let count = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d)).ok_or_else(|| format!("tensor '{name}' declares an impossible shape {shape:?}"))?;
        let bytes_needed = count.checked_mul(size).ok_or_else(|| format!("tensor '{name}' declares an impossible shape {shape:?}"))?;
        if bytes_needed > storage.len().max(1) * 64 || bytes_needed > file_len.saturating_mul(64) {
            return Err(format!("tensor '{name}' declares shape {shape:?} ({bytes_needed} bytes), far more than the file holds"));
        }
        // Gather element by element along the strides (views may be non-contiguous).
        let mut gathered = Vec::with_capacity(bytes_needed);
        let mut index = vec![0usize; shape.len()];
        for _ in 0..count {
            // Checked: strides and offset come from the file.
            let past = || format!("tensor '{name}' reads past its storage");
            let at = index.iter().zip(&stride).try_fold(offset, |at, (i, s)| i.checked_mul(*s).and_then(|step| at.checked_add(step))).ok_or_else(past)?;
            let (from, to) = at.checked_mul(size).zip(at.checked_add(1).and_then(|a| a.checked_mul(size))).ok_or_else(past)?;
            let bytes = storage.get(from..to).ok_or_else(past)?;
            gathered.extend_from_slice(bytes);
            for d in (0..shape.len()).rev() {
                index[d] += 1;
                if index[d] < shape[d] {
                    break;
                }
                index[d] = 0;
            }
        }
        let values = burn::tensor::TensorData::from_bytes_vec(gathered, shape.clone(), burn_dtype)
            .convert::<f32>()
            .try_to_vec::<f32>()
            .map_err(|e| format!("tensor '{name}': {e:?}"))?;
        out.insert(name, (shape, values));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pickle_that_doubles_what_it_memoises_or_nests_without_end_is_refused_not_run() {
        // An empty list memoised, then a list of two copies of the memo's entry memoised in its
        // place, 64 times: 2^64 nodes from 370 bytes.
        let mut bomb = vec![0x80, 2, b']', b'q', 0];
        for _ in 0..64 {
            bomb.extend_from_slice(&[b'(', b'h', 0, b'h', 0, b'l', b'q', 0]);
        }
        bomb.push(b'.');
        let e = tensors_in_pickle(&bomb).unwrap_err();
        assert!(e.contains("too large"), "{e}");
        // 200,000 lists each appended into the one below: nested 200,000 deep in 400 KB.
        let mut deep = vec![0x80, 2];
        deep.extend(std::iter::repeat_n(b']', 200_000));
        deep.extend(std::iter::repeat_n(b'a', 199_999));
        deep.push(b'.');
        let e = tensors_in_pickle(&deep).unwrap_err();
        assert!(e.contains("nested deeper"), "{e}");
        // Within bounds, the same machine reads what it is given.
        assert_eq!(tensors_in_pickle(&[0x80, 2, b']', b'q', 0, b'(', b'h', 0, b'h', 0, b'l', b'.']), Ok(0));
    }
}
