//! `rivulet simulate phones`: simulated Sensor Logger phones posting to a running server.

use std::time::Duration;

use rivulet_connect::simulate::phones::{run_phones, PhoneSimConfig};

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
    }
}
