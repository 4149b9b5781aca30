#[derive(tideflow::DemuxEnum)]
enum Shape {
    Circle(f64),
    Square(f64),
}

fn main() {
    let mut flow = tideflow::flow! {
        shapes = source_iter([Shape::Circle(1.0), Shape::Square(2.0)]) -> demux_enum::<Shape>();
        shapes[Circle] -> for_each(|(r,)| println!("circle {r}"));
        shapes[Sqare] -> for_each(|(s,)| println!("square {s}"));
    };
    flow.run_available_sync();
}
