//! A minimal PNG encoder (RGBA, 8 bits, stored deflate blocks) for the kernelspec logos, and the
//! logo itself: a falling power-law curve on a dark square.

/// Encode RGBA pixels (row-major, `width * height * 4` bytes) as a PNG file.
pub fn encode_rgba(width: u32, height: u32, rgba: &[u8]) -> Vec<u8> {
    let row = width as usize * 4;
    let mut raw = Vec::with_capacity((row + 1) * height as usize);
    for y in 0..height as usize {
        raw.push(0); // filter: none
        raw.extend_from_slice(&rgba[y * row..(y + 1) * row]);
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // depth 8, RGBA, deflate, no filter, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &zlib_stored(&raw));
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// A zlib stream of uncompressed deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if data.is_empty() { vec![&[][..]] } else { data.chunks(65_535).collect() };
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// The sim2real logo at `size`×`size`: an orange curve y = 1/x falling over a dark blue square,
/// with a faint grid, as the scaling figure looks.
pub fn logo(size: u32) -> Vec<u8> {
    let s = size as f64;
    let mut px = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let (fx, fy) = ((x as f64 + 0.5) / s, (y as f64 + 0.5) / s);
            // Curve from top-left to bottom-right: fy_curve = 0.15 + 0.7 * (0.1 / (fx + 0.1)).
            let curve = 0.12 + 0.75 * (0.12 / (fx + 0.08)).min(1.0);
            let dist = ((1.0 - fy) - curve).abs() * s;
            let mut c = [22u8, 38, 66, 255];
            if (x % (size / 4).max(1) == 0) || (y % (size / 4).max(1) == 0) {
                c = [40, 60, 95, 255];
            }
            if dist < s / 20.0 + 0.5 && fx > 0.08 && fx < 0.94 {
                c = [245, 140, 40, 255];
            }
            px.extend_from_slice(&c);
        }
    }
    encode_rgba(size, size, &px)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_has_signature_header_and_end() {
        let p = logo(32);
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&p[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes([p[16], p[17], p[18], p[19]]), 32);
        assert_eq!(&p[p.len() - 8..p.len() - 4], b"IEND");
        // 32 rows of 1 + 128 bytes, stored: size is predictable.
        assert_eq!(p.len(), 8 + 25 + (12 + 2 + 5 + 32 * 129 + 4) + 12);
    }

    #[test]
    fn adler_of_known_input() {
        let z = zlib_stored(b"Wikipedia");
        assert_eq!(&z[z.len() - 4..], &0x11E6_0398u32.to_be_bytes());
    }
}
