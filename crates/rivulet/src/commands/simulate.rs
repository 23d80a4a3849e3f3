//! `rivulet simulate phones` and `rivulet simulate temperature`: simulated sources posting to a
//! running server.

use std::time::Duration;

use rivulet_connect::simulate::phones::{run_phones, PhoneSimConfig};
use rivulet_connect::simulate::temperature::{run_temperature, TemperatureSimConfig};

use crate::cli::SimulateCommand;

pub async fn run(command: SimulateCommand) -> anyhow::Result<()> {
    match command {
        SimulateCommand::Phones {
            devices,
            rate,
            seed,
            duration_secs,
            url,
        } => {
            let target = format!("{}/phone-producer/", url.url.trim_end_matches('/'));
            println!(
                "Simulating {devices} phones × 5 sensors × {rate} Hz → POST {target} (Ctrl-C to stop)"
            );
            let config = PhoneSimConfig {
                devices,
                rate_hz: rate,
                batch_period: Duration::from_millis(200),
                seed,
                url: target,
            };
            let stop = async move {
                match duration_secs {
                    Some(s) => tokio::time::sleep(Duration::from_secs(s)).await,
                    None => super::shutdown_signal().await,
                }
            };
            let stats = run_phones(config, stop, |p| eprintln!("{p}")).await?;
            println!("{stats}");
            Ok(())
        }
        SimulateCommand::Temperature {
            sensors,
            max_pause_ms,
            count,
            topic,
            seed,
            duration_secs,
            url,
        } => {
            let config = TemperatureSimConfig {
                sensors,
                max_pause: Duration::from_millis(max_pause_ms),
                count: (count > 0).then_some(count),
                seed,
                topic,
                url: url.url,
            }
            .seeded();
            config.validate()?;
            let limit = match config.count {
                Some(n) => format!("{n} readings"),
                None => "no limit".to_string(),
            };
            println!(
                "Simulating {sensors} temperature sensors (Sensor1…Sensor{sensors}), values 0–100, \
                 a pause of 0–{max_pause_ms} ms between readings, {limit}, seed {} → POST {} \
                 (Ctrl-C to stop)",
                config.seed.unwrap_or_default(),
                config.records_url()
            );
            let stop = async move {
                match duration_secs {
                    Some(s) => tokio::time::sleep(Duration::from_secs(s)).await,
                    None => super::shutdown_signal().await,
                }
            };
            let stats = run_temperature(config, stop, |p| eprintln!("{p}")).await?;
            println!("{stats}");
            Ok(())
        }
    }
}
