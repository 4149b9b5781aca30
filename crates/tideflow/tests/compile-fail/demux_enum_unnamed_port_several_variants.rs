#[derive(tideflow::DemuxEnum)]
enum Shape {
    Circle(f64),
    Square(f64),
}

fn main() {
    let mut flow = tideflow::flow! {
        source_iter([Shape::Circle(1.0)]) -> demux_enum::<Shape>() -> for_each(|_| ());
    };
    flow.run_available_sync();
}
