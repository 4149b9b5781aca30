#[derive(tideflow::DemuxEnum)]
enum Shape {
    Circle(f64),
    Square(f64),
    Point,
}

fn main() {
    let mut flow = tideflow::flow! {
        shapes = source_iter([Shape::Circle(1.0), Shape::Point]) -> demux_enum::<Shape>();
        shapes[Circle] -> for_each(|(r,)| println!("circle {r}"));
        shapes[Square] -> for_each(|(s,)| println!("square {s}"));
    };
    flow.run_available_sync();
}
