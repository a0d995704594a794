/* PL011 registers, for the arm64 test guests. */
#ifndef ARM64_PL011_H
#define ARM64_PL011_H

#define UART_DR        0x000
#define UART_RSR       0x004
#define UART_FR        0x018
#define UART_IBRD      0x024
#define UART_FBRD      0x028
#define UART_LCR_H     0x02c
#define UART_CR        0x030
#define UART_IFLS      0x034
#define UART_IMSC      0x038
#define UART_RIS       0x03c
#define UART_MIS       0x040
#define UART_ICR       0x044
#define UART_PERIPHID0 0xfe0
#define UART_PCELLID0  0xff0

#define FR_BUSY   (1u << 3)
#define FR_RXFE   (1u << 4)
#define FR_TXFF   (1u << 5)
#define FR_RXFF   (1u << 6)
#define FR_TXFE   (1u << 7)
#define LCR_FEN   (1u << 4)
#define CR_UARTEN (1u << 0)
#define CR_LBE    (1u << 7)
#define CR_TXE    (1u << 8)
#define CR_RXE    (1u << 9)
#define INT_RX    (1u << 4)
#define INT_TX    (1u << 5)
#define INT_RT    (1u << 6)

#endif
