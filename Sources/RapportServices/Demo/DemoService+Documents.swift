import Foundation
import RapportDomain

extension DemoService {
    /// The kitchen maker's details for its documents, and its logo, stamp and signature —
    /// drawn here, so the demo's invoices look like real ones.
    func fillCompanyDetails() async throws {
        let settings = SettingsService(env: env)
        var requisites = CompanyRequisites()
        requisites.fullName = "Общество с ограниченной ответственностью «Кухни Мастер»"
        (requisites.inn, requisites.kpp, requisites.ogrn) = ("7707083893", "770701001", "1027700132195")
        requisites.legalAddress = "123112, г. Москва, Пресненская наб., д. 12, офис 305"
        (requisites.phone, requisites.email, requisites.website) = ("+7 495 123-45-67", "info@kitchen.example", "kitchen.example")
        requisites.bankAccount = BankAccount(bankName: "ПАО Сбербанк, г. Москва", bik: "044525225", account: "40702810938000012345",
                                             correspondentAccount: "30101810400000000225")
        (requisites.director, requisites.accountant) = ("Смирнова О. В.", "Кузнецова Е. А.")
        let current = try await settings.current()
        _ = try await settings.update(.init(requisites: requisites), expectedVersion: current.version, by: nil)
        for (picture, png) in [(CompanyRequisites.Picture.logo, DemoPictures.logo()), (.stamp, DemoPictures.stamp()),
                               (.signature, DemoPictures.signature())] {
            _ = try await settings.setPicture(picture, fileName: "\(picture.rawValue).png", contentType: "image/png", bytes: png, by: nil)
        }
    }
}

/// The demo company's pictures, drawn pixel by pixel (anti-aliased by distance).
enum DemoPictures {
    static func draw(width: Int, height: Int, _ color: (Double, Double) -> (r: UInt8, g: UInt8, b: UInt8, a: Double)?) -> Data {
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                guard let c = color(Double(x) + 0.5, Double(y) + 0.5) else { continue }
                let at = (y * width + x) * 4
                pixels[at] = c.r; pixels[at + 1] = c.g; pixels[at + 2] = c.b
                pixels[at + 3] = UInt8(max(0, min(1, c.a)) * 255)
            }
        }
        return PNGWriter.rgba(width: width, height: height, pixels: pixels)
    }

    /// How much of a pixel a line `width` wide at `distance` from its middle covers.
    static func cover(_ distance: Double, _ width: Double) -> Double { max(0, min(1, width / 2 - abs(distance) + 0.5)) }

    /// A round blue stamp: two rings and a star-like mark in the middle.
    static func stamp(size: Int = 220) -> Data {
        let middle = Double(size) / 2
        return draw(width: size, height: size) { x, y in
            let d = ((x - middle) * (x - middle) + (y - middle) * (y - middle)).squareRoot()
            let angle = atan2(y - middle, x - middle)
            let star = middle * 0.28 * (0.65 + 0.35 * cos(5 * angle))
            let ink = max(cover(d - middle * 0.92, 5), cover(d - middle * 0.74, 3), d < star ? 1 : cover(d - star, 1.5),
                          // Dashes between the rings stand for the lettering.
                          abs(d - middle * 0.83) < 5 && sin(angle * 28) > 0.2 ? 0.9 : 0)
            return ink > 0 ? (30, 60, 170, ink * 0.85) : nil
        }
    }

    /// A handwritten-looking flourish in dark blue ink.
    static func signature(width: Int = 260, height: Int = 90) -> Data {
        draw(width: width, height: height) { x, y in
            let t = x / Double(width)
            let curve = Double(height) * (0.55 - 0.25 * sin(t * 9.5) * (1 - t) - 0.12 * sin(t * 23))
            let loop = Double(height) * 0.3 + 22 * sin(t * 40) * max(0, 0.25 - abs(t - 0.18))
            let ink = max(cover(y - curve, 3), t < 0.35 ? cover(y - loop, 2.5) : 0)
            return ink > 0 ? (20, 30, 110, ink) : nil
        }
    }

    /// A square mark: a rounded orange tile with a white worktop and two cabinet doors.
    static func logo(size: Int = 160) -> Data {
        let s = Double(size)
        return draw(width: size, height: size) { x, y in
            let edge = max(abs(x - s / 2), abs(y - s / 2))
            guard edge < s / 2 - 2 else { return nil }
            let worktop = y > s * 0.34 && y < s * 0.42 && x > s * 0.18 && x < s * 0.82
            let doors = y > s * 0.48 && y < s * 0.8 && ((x > s * 0.22 && x < s * 0.48) || (x > s * 0.52 && x < s * 0.78))
            return worktop || doors ? (255, 255, 255, 1) : (232, 110, 40, 1)
        }
    }
}
