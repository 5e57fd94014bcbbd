//! Writing JSON: canonical (signed bytes) and python-tuf's indented or compact form.

use super::Number;

/// The output form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// securesystemslib's `encode_canonical` (digest 1.8): keys sorted by code point, no white
    /// space, only `"` and `\` escaped, everything else raw UTF-8.
    Canonical,
    /// python-tuf's default file format: `json.dumps(indent=1, separators=(",", ": "),
    /// sort_keys=True)` with ASCII escapes.
    Pretty,
    /// `json.dumps(separators=(",", ":"), sort_keys=True)` with ASCII escapes.
    Compact,
}

/// Types that can write themselves as JSON.
pub trait ToJson {
    /// Writes `self` as one JSON value.
    fn write_json(&self, w: &mut Writer);

    /// `self` in the given style.
    fn to_json(&self, style: Style) -> Vec<u8> {
        let mut w = Writer::new(style);
        self.write_json(&mut w);
        w.into_bytes()
    }

    /// The canonical JSON bytes of `self`: what signatures cover.
    fn to_canonical(&self) -> Vec<u8> {
        self.to_json(Style::Canonical)
    }
}

struct Frame {
    object: bool,
    count: usize,
    /// First index of this object's entries in `Writer::entries`.
    entries_base: usize,
    /// Length of `Writer::keys` when the object was opened.
    keys_base: usize,
}

/// One member of an open object: where it starts in the output and its raw key.
struct Entry {
    start: usize,
    key_start: usize,
    key_end: usize,
}

/// Writes JSON values. Objects may be written with their members in any order: the writer
/// sorts them by key when the object is closed (cheaply, when they already are sorted), so
/// canonical output never depends on the order in which a type lists its fields.
pub struct Writer {
    out: Vec<u8>,
    style: Style,
    stack: Vec<Frame>,
    entries: Vec<Entry>,
    keys: String,
}

impl Writer {
    /// An empty writer.
    pub fn new(style: Style) -> Writer {
        Writer::with_capacity(style, 0)
    }

    /// An empty writer whose output buffer holds `capacity` bytes before it grows. Large
    /// documents are written faster, and with a lower peak of memory, when the caller knows
    /// their size (the canonical form of a parsed file is never larger than the file).
    pub fn with_capacity(style: Style, capacity: usize) -> Writer {
        Writer {
            out: Vec::with_capacity(capacity),
            style,
            stack: Vec::new(),
            entries: Vec::new(),
            keys: String::new(),
        }
    }

    /// The output written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        debug_assert!(self.stack.is_empty(), "unclosed object or array");
        self.out
    }

    fn newline_indent(&mut self, depth: usize) {
        self.out.push(b'\n');
        self.out.resize(self.out.len() + depth, b' ');
    }

    /// Separator before a value in an array (objects write theirs in [`Writer::key`]).
    fn before_value(&mut self) {
        let depth = self.stack.len();
        if let Some(frame) = self.stack.last_mut() {
            if !frame.object {
                let first = frame.count == 0;
                frame.count += 1;
                if !first {
                    self.out.push(b',');
                }
                if self.style == Style::Pretty {
                    self.newline_indent(depth);
                }
            }
        }
    }

    /// Opens an object.
    pub fn begin_object(&mut self) {
        self.before_value();
        self.out.push(b'{');
        self.stack.push(Frame {
            object: true,
            count: 0,
            entries_base: self.entries.len(),
            keys_base: self.keys.len(),
        });
    }

    /// Writes the key of the next member of the open object; the value follows.
    pub fn key(&mut self, key: &str) {
        let depth = self.stack.len();
        let Some(frame) = self.stack.last_mut() else {
            debug_assert!(false, "key outside an object");
            return;
        };
        debug_assert!(frame.object, "key inside an array");
        let first = frame.count == 0;
        frame.count += 1;
        if !first {
            self.out.push(b',');
        }
        if self.style == Style::Pretty {
            self.newline_indent(depth);
        }
        let key_start = self.keys.len();
        self.keys.push_str(key);
        self.entries.push(Entry {
            start: self.out.len(),
            key_start,
            key_end: self.keys.len(),
        });
        self.write_str(key);
        self.out.push(b':');
        if self.style == Style::Pretty {
            self.out.push(b' ');
        }
    }

    /// Closes the open object, sorting its members by key if needed.
    pub fn end_object(&mut self) {
        let Some(frame) = self.stack.pop() else {
            debug_assert!(false, "end_object without begin_object");
            return;
        };
        let entries = &self.entries[frame.entries_base..];
        let key = |e: &Entry| &self.keys[e.key_start..e.key_end];
        if !entries.windows(2).all(|w| key(&w[0]) < key(&w[1])) {
            self.sort_members(frame.entries_base);
        }
        self.entries.truncate(frame.entries_base);
        self.keys.truncate(frame.keys_base);
        if self.style == Style::Pretty && frame.count > 0 {
            self.newline_indent(self.stack.len());
        }
        self.out.push(b'}');
    }

    /// Reorders the members of the object being closed (entries from `base` on) by key.
    fn sort_members(&mut self, base: usize) {
        let mut sep = b",".to_vec();
        if self.style == Style::Pretty {
            sep.push(b'\n');
            sep.resize(2 + self.stack.len() + 1, b' ');
        }
        let first = self.entries[base].start;
        // With one more separator at the end, every member is a uniform unit "member,".
        self.out.extend_from_slice(&sep);
        let end = self.out.len();
        let entries = &self.entries[base..];
        // (key range in `keys`, length of the unit in `out`)
        let mut units: Vec<(usize, usize, usize)> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let stop = entries.get(i + 1).map_or(end, |n| n.start);
                (e.key_start, e.key_end, stop - e.start)
            })
            .collect();
        let keys = &self.keys;
        let key = |u: &(usize, usize, usize)| &keys[u.0..u.1];
        if units.len() <= 32 {
            // Struct-like objects: few members, one of which may be large (the `targets` of
            // a big targets file). Insertion sort that moves bytes by rotation, in place.
            for i in 1..units.len() {
                let mut j = i;
                while j > 0 && key(&units[j - 1]) > key(&units[i]) {
                    j -= 1;
                }
                if j < i {
                    let start = first + units[..j].iter().map(|u| u.2).sum::<usize>();
                    let stop = first + units[..=i].iter().map(|u| u.2).sum::<usize>();
                    self.out[start..stop].rotate_right(units[i].2);
                    let u = units.remove(i);
                    units.insert(j, u);
                }
            }
        } else {
            let body = self.out[first..end].to_vec();
            let mut offsets = Vec::with_capacity(units.len());
            let mut at = 0;
            for u in &units {
                offsets.push(at);
                at += u.2;
            }
            let mut order: Vec<usize> = (0..units.len()).collect();
            order.sort_by(|&a, &b| key(&units[a]).cmp(key(&units[b])));
            self.out.truncate(first);
            for i in order {
                self.out
                    .extend_from_slice(&body[offsets[i]..offsets[i] + units[i].2]);
            }
        }
        self.out.truncate(end - sep.len());
    }

    /// Opens an array.
    pub fn begin_array(&mut self) {
        self.before_value();
        self.out.push(b'[');
        self.stack.push(Frame {
            object: false,
            count: 0,
            entries_base: self.entries.len(),
            keys_base: self.keys.len(),
        });
    }

    /// Closes the open array.
    pub fn end_array(&mut self) {
        let Some(frame) = self.stack.pop() else {
            debug_assert!(false, "end_array without begin_array");
            return;
        };
        if self.style == Style::Pretty && frame.count > 0 {
            self.newline_indent(self.stack.len());
        }
        self.out.push(b']');
    }

    /// Writes `null`.
    pub fn null(&mut self) {
        self.before_value();
        self.out.extend_from_slice(b"null");
    }

    /// Writes `true` or `false`.
    pub fn bool(&mut self, v: bool) {
        self.before_value();
        self.out
            .extend_from_slice(if v { b"true" as &[u8] } else { b"false" });
    }

    /// Writes an unsigned integer.
    pub fn u64(&mut self, v: u64) {
        self.before_value();
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut n = v;
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&buf[i..]);
    }

    /// Writes an integer of any size.
    pub fn number(&mut self, n: &Number) {
        match n.as_u64() {
            Some(v) => self.u64(v),
            None => {
                self.before_value();
                self.out.extend_from_slice(n.to_string().as_bytes());
            }
        }
    }

    /// Writes a string.
    pub fn string(&mut self, s: &str) {
        self.before_value();
        self.write_str(s);
    }

    fn write_str(&mut self, s: &str) {
        self.out.push(b'"');
        match self.style {
            Style::Canonical => {
                let b = s.as_bytes();
                let mut run = 0;
                for (i, &c) in b.iter().enumerate() {
                    if c == b'"' || c == b'\\' {
                        self.out.extend_from_slice(&b[run..i]);
                        self.out.push(b'\\');
                        run = i;
                    }
                }
                self.out.extend_from_slice(&b[run..]);
            }
            Style::Pretty | Style::Compact => {
                for ch in s.chars() {
                    match ch {
                        '"' => self.out.extend_from_slice(b"\\\""),
                        '\\' => self.out.extend_from_slice(b"\\\\"),
                        '\n' => self.out.extend_from_slice(b"\\n"),
                        '\r' => self.out.extend_from_slice(b"\\r"),
                        '\t' => self.out.extend_from_slice(b"\\t"),
                        '\u{8}' => self.out.extend_from_slice(b"\\b"),
                        '\u{c}' => self.out.extend_from_slice(b"\\f"),
                        ' '..='~' => self.out.push(ch as u8),
                        _ => {
                            let mut units = [0u16; 2];
                            for u in ch.encode_utf16(&mut units) {
                                self.out.extend_from_slice(format!("\\u{u:04x}").as_bytes());
                            }
                        }
                    }
                }
            }
        }
        self.out.push(b'"');
    }
}
