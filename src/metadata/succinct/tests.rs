//! Tests of the succinct hash bins against the digest 4.3 worked example.

use super::*;

/// Every row of the digest 4.3 worked example.
#[test]
fn succinct_worked_example() {
    let rows: &[(&str, u64, u32, &str)] = &[
        ("file1.txt", 3, 2, "alice.hbd-2"),
        ("file1.txt", 5, 10, "alice.hbd-0a"),
        ("file1.txt", 8, 85, "alice.hbd-55"),
        ("file1.txt", 11, 685, "alice.hbd-2ad"),
        ("file1.txt", 32, 1_437_496_793, "alice.hbd-55ae75d9"),
        ("dir/file2.txt", 11, 3, "alice.hbd-003"),
        ("dir/file2.txt", 16, 99, "alice.hbd-0063"),
    ];
    for &(target, bits, index, name) in rows {
        let bins = SuccinctBins::new(bits, "alice.hbd").unwrap();
        assert_eq!(bins.bin_index(target), index, "{target} at {bits} bits");
        assert_eq!(bins.bin_name(index), name);
        assert_eq!(bins.bin_for_target(target), name);
        assert_eq!(bins.parse_bin_name(name), Some(index));
    }
    let bins = SuccinctBins::new(11, "alice.hbd").unwrap();
    assert_eq!(bins.bin_names().next().unwrap(), "alice.hbd-000");
    assert_eq!(bins.bin_names().next_back().unwrap(), "alice.hbd-7ff");
}

#[test]
fn succinct_first_and_last_names() {
    let rows: &[(u64, u64, usize, &str, &str)] = &[
        (1, 2, 1, "p-0", "p-1"),
        (4, 16, 1, "p-0", "p-f"),
        (5, 32, 2, "p-00", "p-1f"),
        (8, 256, 2, "p-00", "p-ff"),
        (11, 2048, 3, "p-000", "p-7ff"),
        (16, 65536, 4, "p-0000", "p-ffff"),
        (32, 1 << 32, 8, "p-00000000", "p-ffffffff"),
    ];
    for &(bits, count, width, first, last) in rows {
        let bins = SuccinctBins::new(bits, "p").unwrap();
        assert_eq!(bins.bit_length() as u64, bits);
        assert_eq!(bins.name_prefix(), "p");
        assert_eq!(bins.number_of_bins(), count);
        assert_eq!(bins.suffix_width(), width);
        assert_eq!(bins.bin_name(0), first);
        assert_eq!(bins.bin_name((count - 1) as u32), last);
        let mut names = bins.bin_names();
        assert_eq!(names.next().as_deref(), Some(first));
        assert_eq!(names.next_back().as_deref(), Some(last));
        assert_eq!(bins.parse_bin_name(first), Some(0));
        assert_eq!(bins.parse_bin_name(last), Some((count - 1) as u32));
        assert!(u64::from(bins.bin_index("file1.txt")) < count);
    }
}

#[test]
fn succinct_iterates_all_names_in_order() {
    let bins = SuccinctBins::new(5, "bin").unwrap();
    let names: Vec<String> = bins.bin_names().collect();
    assert_eq!(names.len(), 32);
    assert_eq!(bins.bin_names().size_hint(), (32, Some(32)));
    for (i, name) in names.iter().enumerate() {
        assert_eq!(bins.parse_bin_name(name), Some(i as u32));
    }
    assert_eq!(names[10], "bin-0a");
    assert_eq!(bins.bin_names().nth(31).as_deref(), Some("bin-1f"));
    assert_eq!(bins.bin_names().nth(32), None);
    let mut reversed: Vec<String> = bins.bin_names().rev().collect();
    reversed.reverse();
    assert_eq!(reversed, names);
    let mut it = bins.bin_names();
    assert_eq!(it.nth(usize::MAX), None);
    assert_eq!(it.next(), None);
    // 2^32 names are produced lazily.
    let big = SuccinctBins::new(32, "b").unwrap();
    assert_eq!(
        big.bin_names().nth(0xdead_beef).as_deref(),
        Some("b-deadbeef")
    );
}

#[test]
fn succinct_bin_index_is_leading_bits() {
    for bits in 1..=32u64 {
        let bins = SuccinctBins::new(bits, "x").unwrap();
        // 0x55ae75d9 >> (32 - bits)
        assert_eq!(bins.bin_index("file1.txt"), 0x55ae_75d9u32 >> (32 - bits));
        assert!(u64::from(bins.bin_index("dir/file2.txt")) < bins.number_of_bins());
    }
}

#[test]
fn succinct_rejects_bad_bit_length() {
    for bits in [0u64, 33, 64, 256, 257, u64::MAX] {
        let err = SuccinctBins::new(bits, "p").unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidMetadata);
        assert!(err.to_string().contains("bit_length"), "{err}");
    }
}

#[test]
fn parse_bin_name_rejections() {
    let bins = SuccinctBins::new(8, "alice.hbd").unwrap();
    assert_eq!(bins.parse_bin_name("alice.hbd-2a"), Some(42));
    for bad in [
        "alice.hbd-2A",   // uppercase
        "alice.hbd-0x2a", // 0x prefix
        "alice.hbd-0x2",
        "alice.hbd-2_a", // underscore
        "alice.hbd- 2a", // whitespace
        "alice.hbd-2a ",
        "alice.hbd-\t2",
        "alice.hbd-+2",
        "alice.hbd--2",
        "alice.hbd-2",   // too short
        "alice.hbd-02a", // too long
        "alice.hbd-100", // too long and out of range
        "alice.hbd-",
        "alice.hbd2a",
        "alice.hbd_2a",
        "alice.hb-2a",
        "Alice.hbd-2a",
        "bob-2a",
        "2a",
        "",
        "alice.hbd-g0",
        "alice.hbd-２a", // fullwidth digit
    ] {
        assert_eq!(bins.parse_bin_name(bad), None, "{bad:?}");
        assert!(!bins.is_bin_name(bad));
    }
    // Out of range with the right width: bit_length 5 has width 2 but only 32 bins.
    let bins = SuccinctBins::new(5, "p").unwrap();
    assert_eq!(bins.parse_bin_name("p-1f"), Some(31));
    assert_eq!(bins.parse_bin_name("p-20"), None);
    assert_eq!(bins.parse_bin_name("p-ff"), None);
    // A bin_name beyond the range is not accepted back.
    assert_eq!(bins.parse_bin_name(&bins.bin_name(32)), None);
    assert_eq!(bins.parse_bin_name(&bins.bin_name(300)), None);
    // Prefixes containing '-' and an empty prefix.
    let bins = SuccinctBins::new(4, "a-b").unwrap();
    assert_eq!(bins.parse_bin_name("a-b-c"), Some(12));
    assert_eq!(bins.parse_bin_name("a-c"), None);
    let bins = SuccinctBins::new(4, "").unwrap();
    assert_eq!(bins.bin_name(3), "-3");
    assert_eq!(bins.parse_bin_name("-3"), Some(3));
    assert_eq!(bins.parse_bin_name("3"), None);
}
