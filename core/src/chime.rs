//! The tone the widget plays for a new reply (when the site turned sound on): two short
//! soft notes as a tiny WAV file, made here rather than stored, served by the edge at
//! `/chime.wav` and cached by browsers for a year.

/// Samples per second: plenty for two notes under 1 kHz, and a small file (~5 KB).
const RATE: u32 = 11_025;

/// The notes: pitch in Hz and length in ms.
const NOTES: [(f64, u32); 2] = [(660.0, 120), (880.0, 260)];

/// Peak loudness (of 127): a notification, not an alarm.
const PEAK: f64 = 40.0;

/// The WAV file: 8-bit unsigned mono PCM.
pub fn wav() -> Vec<u8> {
    let mut samples = Vec::new();
    for (pitch, ms) in NOTES {
        let count = RATE * ms / 1000;
        for i in 0..count {
            let t = f64::from(i) / f64::from(RATE);
            // A fast attack and an exponential fade, so neither edge of a note clicks.
            let attack = (f64::from(i) / 80.0).min(1.0);
            let fade = (-5.0 * f64::from(i) / f64::from(count)).exp();
            let wave = (2.0 * std::f64::consts::PI * pitch * t).sin();
            samples.push((128.0 + PEAK * attack * fade * wave).round() as u8);
        }
    }
    let data = u32::try_from(samples.len()).unwrap_or(u32::MAX);
    let mut file = Vec::with_capacity(44 + samples.len());
    file.extend_from_slice(b"RIFF");
    file.extend_from_slice(&(36 + data).to_le_bytes());
    file.extend_from_slice(b"WAVEfmt ");
    file.extend_from_slice(&16u32.to_le_bytes()); // format chunk size
    file.extend_from_slice(&1u16.to_le_bytes()); // PCM
    file.extend_from_slice(&1u16.to_le_bytes()); // mono
    file.extend_from_slice(&RATE.to_le_bytes());
    file.extend_from_slice(&RATE.to_le_bytes()); // bytes per second
    file.extend_from_slice(&1u16.to_le_bytes()); // bytes per frame
    file.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    file.extend_from_slice(b"data");
    file.extend_from_slice(&data.to_le_bytes());
    file.extend_from_slice(&samples);
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chime_is_a_well_formed_quiet_wav_of_both_notes() {
        let file = wav();
        assert_eq!(&file[..4], b"RIFF");
        assert_eq!(&file[8..16], b"WAVEfmt ");
        let riff = u32::from_le_bytes(file[4..8].try_into().unwrap()) as usize;
        assert_eq!(riff + 8, file.len());
        let data = u32::from_le_bytes(file[40..44].try_into().unwrap()) as usize;
        assert_eq!(data, (RATE as usize * 120 / 1000) + (RATE as usize * 260 / 1000));
        let samples = &file[44..];
        assert!(samples.iter().all(|s| (128 - 41..=128 + 41).contains(&i32::from(*s))));
        // It is not silence, and both ends are (near) silent: no clicks.
        assert!(samples.iter().any(|s| *s > 150));
        assert!(
            (i32::from(samples[0]) - 128).abs() <= 1
                && (i32::from(*samples.last().unwrap()) - 128).abs() <= 1
        );
        assert!(file.len() < 6_000);
    }
}
